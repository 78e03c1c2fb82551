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
import com.esotericsoftware.kryo.util.Pool;
import org.objenesis.strategy.StdInstantiatorStrategy;

import java.io.Serializable;
import java.util.Map;
import java.util.WeakHashMap;

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
    private static final Map<ClassLoader, Pool<Kryo>> POOLS = new WeakHashMap<>();

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
            release(loader, kryo);
        }
    }

    /** Reads one object written by {@link #encode}, resolving classes in {@code loader}. */
    public static Object decode(byte[] bytes, ClassLoader loader) {
        Kryo kryo = obtain(loader);
        try (Input in = new Input(bytes)) {
            return kryo.readClassAndObject(in);
        } finally {
            release(loader, kryo);
        }
    }

    /** Borrows a Kryo configured for {@code loader}; give it back with {@link #release}. */
    public static Kryo obtain(ClassLoader loader) {
        Pool<Kryo> pool;
        synchronized (POOLS) {
            pool = POOLS.computeIfAbsent(loader, Codec::newPool);
        }
        return pool.obtain();
    }

    public static void release(ClassLoader loader, Kryo kryo) {
        Pool<Kryo> pool;
        synchronized (POOLS) {
            pool = POOLS.get(loader);
        }
        if (pool != null) pool.free(kryo);
    }

    private static Pool<Kryo> newPool(ClassLoader loader) {
        return new Pool<>(true, false, 32) {
            @Override protected Kryo create() {
                return newKryo(loader);
            }
        };
    }

    static Kryo newKryo(ClassLoader loader) {
        Kryo kryo = new Kryo();
        kryo.setClassLoader(loader);
        kryo.setRegistrationRequired(false);
        kryo.setReferences(true);
        kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        kryo.register(ClosureSerializer.Closure.class, new LambdaSerializer());
        ImmutableCollectionsSerializers.addDefaultSerializers(kryo);
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
