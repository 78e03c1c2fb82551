package dev.river.sfm;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.SerializerFactory;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.ClosureSerializer;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import com.esotericsoftware.kryo.serializers.RecordSerializer;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import org.objenesis.strategy.StdInstantiatorStrategy;

import java.io.Serializable;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Kryo serialization for River: pooled, thread-safe to use from any thread, one pool per class loader
 * so that user classes resolve in the loader of the VR that reads them.
 *
 * <p>Internal: used by the runtime and extensions, not by applications.
 *
 * <p>Rules, so that a payload either travels faithfully or fails at the sender with a clear error:
 * <ul>
 *   <li>records, enums, arrays, boxed primitives, strings, collections and maps travel as Kryo data;</li>
 *   <li>other classes must implement {@link Serializable} (as for Java serialization); fields marked
 *       {@code transient} are skipped;</li>
 *   <li>serializable lambdas and method references travel as their {@code SerializedLambda} (see
 *       {@link LambdaSerializer}): the receiver needs the defining class, which code shipping supplies;</li>
 *   <li>JDK classes that Kryo cannot reach into (strong encapsulation) and all throwables use Java
 *       serialization.</li>
 * </ul>
 */
public final class Codec {
    /**
     * Pools of loaders that do not keep their own ({@link PoolOwner}): the application's and the JDK's,
     * which live as long as the JVM. A pool's Kryos refer to the loader, so a weak key would never be
     * cleared: loaders that come and go must own their pool.
     */
    private static final Map<ClassLoader, KryoPool> POOLS = new WeakHashMap<>();

    /**
     * A class loader that keeps its own Kryo pool, so the pool goes when the loader goes. River's
     * loaders that come and go (one per VR, per MPI rank, per notebook cell) own their pool: in a
     * static map, each would stay reachable for ever through its pool, with all its classes.
     *
     * <pre>{@code
     * final class MyLoader extends ClassLoader implements Codec.PoolOwner {
     *     private final Codec.Slot codecSlot = new Codec.Slot();
     *     @Override public Codec.Slot codecSlot() { return codecSlot; }
     * }
     * }</pre>
     */
    public interface PoolOwner {
        Slot codecSlot();
    }

    /** Where a {@link PoolOwner} keeps its pool; made empty, filled on first use. */
    public static final class Slot {
        private KryoPool pool;   // guarded by this
    }

    /**
     * Idle Kryos of one loader. Lock-free: Kryo's own thread-safe pool is a LinkedBlockingQueue, whose
     * lock made every send and every receive on a busy VM wake another thread (JFR, docs/benchmarks.md).
     */
    private static final class KryoPool {
        private static final int MAX_IDLE = 32;
        private final ClassLoader loader;
        private final ConcurrentLinkedQueue<Kryo> idle = new ConcurrentLinkedQueue<>();
        private final AtomicInteger count = new AtomicInteger();
        /** The Kryo freed last: a VR that sends or receives in a loop takes the same one back without touching the queue. */
        private final AtomicReference<Kryo> hot = new AtomicReference<>();

        KryoPool(ClassLoader loader) {
            this.loader = loader;
        }

        Kryo obtain() {
            Kryo k = hot.getAndSet(null);
            if (k != null) return k;
            k = idle.poll();
            if (k == null) {
                k = newKryo(loader);
                k.setAutoReset(false);   // callers reset once per message, not per object read or written
                return k;
            }
            count.decrementAndGet();
            return k;
        }

        void free(Kryo k) {
            if (hot.compareAndSet(null, k)) return;
            if (count.incrementAndGet() <= MAX_IDLE) idle.add(k);
            else count.decrementAndGet();
        }
    }

    static {
        // Kryo reports through MinLog, which would print warnings on stdout; River reports its own errors.
        com.esotericsoftware.minlog.Log.set(com.esotericsoftware.minlog.Log.LEVEL_ERROR);
    }

    private Codec() {}

    /** Serializes {@code value} with the given loader's Kryo; throws {@link KryoException} naming what failed. */
    public static byte[] encode(Object value, ClassLoader loader) {
        Kryo kryo = obtain(loader);
        try (Output out = new Output(256, -1)) {
            kryo.writeClassAndObject(out, value);
            return out.toBytes();
        } finally {
            kryo.reset();
            release(loader, kryo);
        }
    }

    /** Reads one object written by {@link #encode}, resolving classes in {@code loader}. */
    public static Object decode(byte[] bytes, ClassLoader loader) {
        Kryo kryo = obtain(loader);
        try (Input in = new Input(bytes)) {
            return kryo.readClassAndObject(in);
        } finally {
            kryo.reset();
            release(loader, kryo);
        }
    }

    /**
     * Borrows a Kryo configured for {@code loader}; give it back with {@link #release}, after calling
     * {@link Kryo#reset()} (pooled Kryos do not reset themselves after each object).
     */
    public static Kryo obtain(ClassLoader loader) {
        return pool(loader).obtain();
    }

    public static void release(ClassLoader loader, Kryo kryo) {
        pool(loader).free(kryo);
    }

    private static KryoPool pool(ClassLoader loader) {
        if (loader instanceof PoolOwner owner) {
            Slot slot = owner.codecSlot();
            synchronized (slot) {
                if (slot.pool == null) slot.pool = new KryoPool(loader);
                return slot.pool;
            }
        }
        synchronized (POOLS) {
            return POOLS.computeIfAbsent(loader, KryoPool::new);
        }
    }

    /**
     * A fresh Kryo with River's rules, not pooled, for code that keeps one per stream (e.g. MapReduce's
     * record files, which turn off references and reset it per segment).
     */
    public static Kryo newKryo(ClassLoader loader) {
        Kryo kryo = new Kryo();
        kryo.setClassLoader(loader);
        kryo.setRegistrationRequired(false);
        kryo.setReferences(true);
        kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        kryo.register(ClosureSerializer.Closure.class, new LambdaSerializer());
        ImmutableCollectionsSerializers.addDefaultSerializers(kryo);
        BulkArraySerializers.register(kryo);
        kryo.addDefaultSerializer(Throwable.class, new JavaSerializer());
        kryo.setDefaultSerializer(new RiverSerializerFactory());
        return kryo;
    }

    /** Chooses a serializer for classes Kryo has no built-in serializer for. */
    private static final class RiverSerializerFactory implements SerializerFactory<Serializer<?>> {
        private final FieldSerializer.FieldSerializerConfig config = new FieldSerializer.FieldSerializerConfig();

        @Override
        public Serializer<?> newSerializer(Kryo kryo, Class type) {
            if (type.isRecord()) return new RecordSerializer<>(type);
            boolean jdk = type.getModule().isNamed() && !type.getModule().isOpen(packageOf(type), Codec.class.getModule());
            if (Serializable.class.isAssignableFrom(type)) {
                return jdk ? new JavaSerializer() : new FieldSerializer<>(kryo, type, config);
            }
            return new Refusing(type);
        }

        @Override
        public boolean isSupported(Class type) {
            return true;
        }

        /**
         * Kryo asks for a serializer when it merely names a class (a lambda's capturing class, say), so
         * refusal happens when an instance is actually written or read.
         */
        private static final class Refusing extends Serializer<Object> {
            private final Class<?> type;

            Refusing(Class<?> type) {
                this.type = type;
            }

            @Override public void write(Kryo kryo, com.esotericsoftware.kryo.io.Output output, Object object) {
                throw new KryoException(type.getName() + " is not serializable: make it implement java.io.Serializable"
                        + " (or a record), or mark the field that holds it transient");
            }

            @Override public Object read(Kryo kryo, com.esotericsoftware.kryo.io.Input input, Class<?> t) {
                throw new KryoException(type.getName() + " is not serializable, yet a message contains one");
            }
        }

        private static String packageOf(Class<?> type) {
            return type.getPackageName();
        }
    }
}
