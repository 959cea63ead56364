package org.jremoted.agents.systemd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A scripted systemd: unit states, job outcomes and failures set by each test; records the calls
 * made. Shared by the systemd and service class tests.
 */
public final class FakeSystemd implements SystemdApi {
    public final Map<String, String> activeState = new ConcurrentHashMap<>();
    public final Map<String, String> loadState = new ConcurrentHashMap<>();
    public final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    public final List<String> abandoned = Collections.synchronizedList(new ArrayList<>());
    public final Map<String, CompletableFuture<String>> jobs = new ConcurrentHashMap<>();
    public volatile SystemdException failAll;
    public volatile SystemdException failJobs;
    /** Result to deliver for the next job at once; null leaves it pending. */
    public volatile String jobOutcome = "done";
    public volatile boolean jobObjectsExist = true;
    public int nextJob;

    @Override
    public String loadUnit(String unit) throws SystemdException {
        calls.add("LoadUnit " + unit);
        if (failAll != null) {
            throw failAll;
        }
        return "/unit/" + unit;
    }

    @Override
    public String unitProperty(String unitPath, String property) throws SystemdException {
        if (failAll != null) {
            throw failAll;
        }
        String unit = unitPath.substring("/unit/".length());
        return switch (property) {
            case "ActiveState" -> activeState.getOrDefault(unit, "inactive");
            case "LoadState" -> loadState.getOrDefault(unit, "loaded");
            case "NeedDaemonReload" -> "false";
            case "Description" -> "Test unit " + unit;
            default -> throw new SystemdException(SystemdException.Kind.FAILED, null, "no " + property, null);
        };
    }

    @Override
    public boolean jobExists(String jobPath) {
        return jobObjectsExist;
    }

    @Override
    public synchronized String queueJob(String method, String unit) throws SystemdException {
        calls.add(method + " " + unit);
        if (failAll != null) {
            throw failAll;
        }
        if (failJobs != null) {
            throw failJobs;
        }
        String job = "/job/" + (++nextJob);
        CompletableFuture<String> f = new CompletableFuture<>();
        jobs.put(job, f);
        if (jobOutcome != null) {
            f.complete(jobOutcome);
        }
        return job;
    }

    @Override
    public void reload() {
        calls.add("Reload");
    }

    @Override
    public CompletableFuture<String> jobResult(String jobPath) {
        return jobs.get(jobPath);
    }

    @Override
    public void abandonJob(String jobPath) {
        abandoned.add(jobPath);
    }
}
