/**
 * The dashboard at {@code /ui/}: page shells (public, holding no data) rendered by Qute, and the
 * fragments they load with htmx, each guarded exactly as the API route whose data it shows. The
 * browser keeps the credential in {@code sessionStorage} and sends it as a bearer token on the
 * dashboard's own requests ({@code ui/static/app.js}); actions call the JSON API itself.
 */
package dev.paddock.ui;
