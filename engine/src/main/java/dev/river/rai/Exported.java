package dev.river.rai;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that a restricted remote object lets callers invoke
 * ({@link RemoteObject#createRestricted}). On a class, it exports every public method the class
 * declares. Unrestricted objects ({@link RemoteObject#create}) ignore it.
 *
 * <pre>{@code
 * public class Account {
 *     private long balance;
 *     @Exported public long balance() { return balance; }
 *     public void setBalance(long b) { balance = b; }       // refused on a restricted object
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Exported {
}
