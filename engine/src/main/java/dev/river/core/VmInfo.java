package dev.river.core;

import java.io.Serializable;
import java.util.Set;
import java.util.UUID;

/**
 * What discovery knows of one River VM (an engine): identity, where it listens, what it offers and
 * how busy it is.
 *
 * <pre>{@code
 * List<VmInfo> big = discover(vm -> vm.cores() >= 8 && vm.tags().contains("gpu"));
 * }</pre>
 *
 * @param id        the VM's UUID
 * @param name      a human name ({@code --name}, default {@code host:port})
 * @param host      the address peers connect to
 * @param port      the VM's message port
 * @param cores     cores the VM offers ({@code --cores}, default all)
 * @param memory    maximum heap in bytes
 * @param load      system load average (1 minute), or -1 where the OS does not report it
 * @param vrs       VRs currently running there
 * @param allocated whether an application holds the VM (see {@code allocate})
 * @param tags      user tags ({@code --tags a,b})
 */
public record VmInfo(UUID id, String name, String host, int port, int cores, long memory, double load,
                     int vrs, boolean allocated, Set<String> tags) implements Serializable {
    public VmInfo {
        tags = Set.copyOf(tags);
    }

    /** {@code host:port}, the VM's address. */
    public String address() {
        return host + ":" + port;
    }

    /** "free" or "allocated". */
    public String state() {
        return allocated ? "allocated" : "free";
    }
}
