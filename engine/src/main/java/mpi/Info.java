package mpi;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An MPI info object: string keys and values passed as hints. rMPI accepts and keeps them but acts on
 * none.
 *
 * <pre>{@code
 * Info info = new Info();
 * info.set("key", "value");
 * }</pre>
 */
public final class Info implements Freeable {
    private final Map<String, String> entries = new LinkedHashMap<>();
    private boolean isNull;

    public Info() {}

    Info(boolean isNull) {
        this.isNull = isNull;
    }

    public void set(String key, String value) throws MPIException {
        entries.put(key, value);
    }

    /** The value of {@code key}, or null. */
    public String get(String key) throws MPIException {
        return entries.get(key);
    }

    public void delete(String key) throws MPIException {
        if (entries.remove(key) == null) throw new MPIException(29, 29, "info key '" + key + "' is not set (MPI_ERR_INFO_NOKEY)");
    }

    public int size() throws MPIException {
        return entries.size();
    }

    /** The {@code i}-th key. */
    public String getKey(int i) throws MPIException {
        return entries.keySet().stream().skip(i).findFirst().orElseThrow(
                () -> new MPIException(dev.river.mpi.impl.MpiError.ERR_ARG, dev.river.mpi.impl.MpiError.ERR_ARG, "no info key " + i));
    }

    @Override public Info clone() {
        Info c = new Info();
        c.entries.putAll(entries);
        return c;
    }

    public Info dup() throws MPIException {
        return clone();
    }

    @Override public void free() throws MPIException {
        entries.clear();
        isNull = true;
    }

    public boolean isNull() {
        return isNull;
    }
}
