package dev.river.cli;

import dev.river.bench.MapReduceBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code river bench mapreduce}: word count with MapReduce on 1 and 2 local engines against single-threaded Java. */
@Command(name = "mapreduce", mixinStandardHelpOptions = true,
        description = "Word count over generated text: MapReduce on 1 and 2 local engines (1 core each) vs a single-threaded"
                + " Java word count of the same text; median of the timed runs, answers checked.")
final class MapReduceBenchCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Machine-readable output")
    boolean json;

    @Option(names = "--quick", description = "20 MiB, one run (a smoke run)")
    boolean quick;

    @Option(names = "--size", description = "MiB of generated text. Default: ${DEFAULT-VALUE}")
    int size = 200;

    @Option(names = "--runs", description = "Timed runs per configuration. Default: ${DEFAULT-VALUE}")
    int runs = 3;

    @Option(names = "--engines", split = ",", description = "Engine counts to measure. Default: 1,2")
    List<Integer> engines = List.of(1, 2);

    @Option(names = "--file", description = "Count this text file instead of generated text")
    Path file;

    @Override
    public Integer call() throws Exception {
        MapReduceBench.Options o = quick ? MapReduceBench.Options.quick()
                : new MapReduceBench.Options(size, runs, engines, file);
        Map<String, Double> f = MapReduceBench.run(o, json ? System.err : System.out);
        BenchCommand.print("MapReduce word count (" + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores; engines of 1 core each)", f, json);
        return 0;
    }
}
