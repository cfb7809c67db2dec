/**
 * API keys: people create, list and delete long-lived, scoped credentials for their automation.
 * Proving a call with one is the auth package's ({@code ApiKeyCredentials}).
 */
package dev.paddock.apikey;
