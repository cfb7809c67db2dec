package dev.paddock.runneragent;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The machine as a heartbeat describes it: cpus, load1, memory_total, memory_available, disk_available (bytes). */
final class SystemInfo {

    private SystemInfo() {
    }

    static Map<String, Object> read(Path workDir) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("cpus", Runtime.getRuntime().availableProcessors());
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (load >= 0) {
            info.put("load1", Math.round(load * 100) / 100.0);
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            info.put("memory_total", os.getTotalMemorySize());
            info.put("memory_available", memoryAvailable().orElse(os.getFreeMemorySize()));
        }
        try {
            Path existing = workDir;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null) {
                info.put("disk_available", Files.getFileStore(existing).getUsableSpace());
            }
        } catch (IOException e) {
            // no figure rather than a wrong one
        }
        return info;
    }

    /** Linux's own estimate (MemAvailable counts reclaimable caches, unlike "free"). */
    private static java.util.Optional<Long> memoryAvailable() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return java.util.Optional.of(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return java.util.Optional.empty();
    }
}
