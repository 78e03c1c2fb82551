package dev.river.sfm;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Serializable lambdas and method references, as their {@link SerializedLambda}.
 *
 * <p>Internal. Kryo's own closure serializer finds the capturing class with {@code Class.forName} from
 * Kryo's class loader when {@code java.lang.invoke} is not opened to it (the default on Java 17+), so a
 * lambda written in a program loaded by another loader ({@code river run X.java}, JShell) cannot be
 * sent. This one resolves the capturing class in the lambda's own loader when writing, and in the
 * receiving VR's loader when reading, then rebuilds the lambda through the capturing class's
 * {@code $deserializeLambda$}, exactly as Java serialization does.
 */
final class LambdaSerializer extends Serializer<Object> {
    private static final ClassValue<Method> DESERIALIZE = new ClassValue<>() {
        @Override protected Method computeValue(Class<?> capturing) {
            try {
                Method m = capturing.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
                m.setAccessible(true);
                return m;
            } catch (NoSuchMethodException e) {
                throw new KryoException(capturing.getName() + " declares no serializable lambda ($deserializeLambda$ is missing):"
                        + " was it compiled from other sources than the sender's?", e);
            } catch (RuntimeException e) {
                throw new KryoException("cannot reach " + capturing.getName() + ".$deserializeLambda$: " + e.getMessage(), e);
            }
        }
    };

    @Override
    public void write(Kryo kryo, Output out, Object lambda) {
        SerializedLambda sl = toSerializedLambda(lambda);
        Class<?> capturing = capturingClass(sl, lambda.getClass().getClassLoader());
        int n = sl.getCapturedArgCount();
        out.writeVarInt(n, true);
        for (int i = 0; i < n; i++) kryo.writeClassAndObject(out, sl.getCapturedArg(i));
        out.writeString(capturing.getName());   // by name: a Class registration would want a serializer for it
        out.writeString(sl.getFunctionalInterfaceClass());
        out.writeString(sl.getFunctionalInterfaceMethodName());
        out.writeString(sl.getFunctionalInterfaceMethodSignature());
        out.writeVarInt(sl.getImplMethodKind(), true);
        out.writeString(sl.getImplClass());
        out.writeString(sl.getImplMethodName());
        out.writeString(sl.getImplMethodSignature());
        out.writeString(sl.getInstantiatedMethodType());
    }

    @Override
    public Object read(Kryo kryo, Input in, Class<?> type) {
        int n = in.readVarInt(true);
        Object[] captured = new Object[n];
        for (int i = 0; i < n; i++) captured[i] = kryo.readClassAndObject(in);
        String capturingName = in.readString();
        Class<?> capturing;
        try {
            capturing = Class.forName(capturingName, false, kryo.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new KryoException("cannot rebuild a lambda: its class " + capturingName + " is not available here", e);
        }
        SerializedLambda sl = new SerializedLambda(capturing, in.readString(), in.readString(), in.readString(),
                in.readVarInt(true), in.readString(), in.readString(), in.readString(), in.readString(), captured);
        try {
            return DESERIALIZE.get(capturing).invoke(null, sl);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            throw new KryoException("rebuilding lambda " + sl.getImplClass() + "." + sl.getImplMethodName()
                    + " failed: " + c, c);
        } catch (IllegalAccessException e) {
            throw new KryoException("cannot call " + capturing.getName() + ".$deserializeLambda$", e);
        }
    }

    @Override
    public Object copy(Kryo kryo, Object original) {
        return original;   // lambdas are immutable for our purposes
    }

    private static SerializedLambda toSerializedLambda(Object lambda) {
        if (!(lambda instanceof Serializable)) {
            throw new KryoException("the lambda " + lambda.getClass().getName() + " is not serializable: give it a"
                    + " serializable functional interface type (for example dev.river.trickle.Task), or cast it with"
                    + " (Function<A, B> & java.io.Serializable)");
        }
        Object replaced;
        try {
            Method m = lambda.getClass().getDeclaredMethod("writeReplace");
            m.setAccessible(true);
            replaced = m.invoke(lambda);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new KryoException("cannot serialize lambda " + lambda.getClass().getName() + ": " + e, e);
        }
        if (replaced instanceof SerializedLambda sl) return sl;
        throw new KryoException("writeReplace of " + lambda.getClass().getName() + " returned "
                + (replaced == null ? "null" : replaced.getClass().getName()) + ", not a SerializedLambda");
    }

    private static Class<?> capturingClass(SerializedLambda sl, ClassLoader lambdaLoader) {
        String name = sl.getCapturingClass().replace('/', '.');
        try {
            return Class.forName(name, false, lambdaLoader);
        } catch (ClassNotFoundException e) {
            throw new KryoException("the class " + name + " that defines the lambda is not visible from the lambda's"
                    + " own class loader", e);
        }
    }
}
