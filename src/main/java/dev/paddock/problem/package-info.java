/** Every failure as one problem+json shape, with no stack trace or SQL in a body or a log line. */
package dev.paddock.problem;
