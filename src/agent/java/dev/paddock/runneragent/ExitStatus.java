package dev.paddock.runneragent;

import java.util.Map;

/**
 * How a program's exit status reads in a result. The JDK reports a death by signal N as 128 + N,
 * as shells do, so a status above 128 is read as that signal.
 */
final class ExitStatus {

    private static final Map<Integer, String> SIGNALS = Map.ofEntries(Map.entry(1, "SIGHUP"), Map.entry(2, "SIGINT"),
            Map.entry(3, "SIGQUIT"), Map.entry(4, "SIGILL"), Map.entry(6, "SIGABRT"), Map.entry(8, "SIGFPE"),
            Map.entry(9, "SIGKILL"), Map.entry(11, "SIGSEGV"), Map.entry(13, "SIGPIPE"), Map.entry(14, "SIGALRM"),
            Map.entry(15, "SIGTERM"));

    private ExitStatus() {
    }

    /** The signal that ended the program, or null when it exited by itself. */
    static String signal(int exitCode) {
        return exitCode > 128 && exitCode < 128 + 32 ? SIGNALS.getOrDefault(exitCode - 128, "SIG" + (exitCode - 128)) : null;
    }

    /** The error of a result: null for success, else the exit code or the signal. */
    static String error(int exitCode) {
        if (exitCode == 0) {
            return null;
        }
        String signal = signal(exitCode);
        return signal != null ? "killed by signal " + signal + " (exit code " + exitCode + ")" : "exit code " + exitCode;
    }
}
