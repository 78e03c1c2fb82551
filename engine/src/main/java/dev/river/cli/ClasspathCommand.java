package dev.river.cli;

import dev.river.core.LocalEngines;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code river classpath}: the class path to compile and run programs against River. */
@Command(name = "classpath", mixinStandardHelpOptions = true, description = "Print the class path for compiling against River (like `hadoop classpath`).")
final class ClasspathCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println(LocalEngines.engineClassPath());
        return 0;
    }
}
