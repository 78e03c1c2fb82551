import dev.river.mapreduce.Emitter;
import dev.river.mapreduce.Line;
import dev.river.mapreduce.MapReduce;
import dev.river.trickle.Trickle;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A reduce-side join of two inputs with MapReduce: customers (id,name) and orders
 * (order,customer,amount), joined on the customer id. The map function tags each record with the
 * input it comes from; the reduce function sees a customer's record and all their orders under one
 * key, and gives the joined rows (customers without orders, and orders of unknown customers, drop out:
 * an inner join).
 *
 *   river run examples/mapreduce/Join.java CUSTOMERS.csv ORDERS.csv
 *   river run examples/mapreduce/Join.java            (generates a small demo data set first)
 */
public class Join {
    /** A record of either input, tagged by side. */
    record Tagged(boolean customer, String[] fields) {}

    /** One joined row. */
    record Row(String customer, String name, String order, double amount) {}

    public static void main(String[] args) throws IOException {
        Path customers, orders;
        if (args.length == 2) {
            customers = Path.of(args[0]);
            orders = Path.of(args[1]);
        } else if (args.length == 0) {
            Path dir = Files.createTempDirectory("river-join-demo");
            customers = dir.resolve("customers.csv");
            orders = dir.resolve("orders.csv");
            demoData(customers, orders);
            System.out.println("demo data in " + dir);
        } else {
            System.err.println("usage: river run examples/mapreduce/Join.java [CUSTOMERS.csv ORDERS.csv]");
            System.exit(2);
            return;
        }
        String customersFile = customers.toString();
        try (Trickle trickle = Trickle.connect()) {
            Map<String, List<Row>> joined = MapReduce.fromFileLines(customersFile, orders.toString())
                    .map((Line line, Emitter<String, Tagged> out) -> {
                        String[] f = line.text().split(",");
                        if (f.length < 2 || f[0].equals("id") || f[0].equals("order")) return;      // header or blank
                        boolean isCustomer = line.file().equals(customersFile);
                        out.emit(isCustomer ? f[0] : f[1], new Tagged(isCustomer, f));
                    })
                    .reduce((String id, Iterable<Tagged> records) -> {
                        String name = null;
                        List<String[]> theirOrders = new ArrayList<>();
                        for (Tagged t : records) {
                            if (t.customer()) name = t.fields()[1];
                            else theirOrders.add(t.fields());
                        }
                        if (name == null || theirOrders.isEmpty()) return null;             // inner join
                        List<Row> rows = new ArrayList<>();
                        for (String[] o : theirOrders) rows.add(new Row(id, name, o[0], Double.parseDouble(o[2])));
                        rows.sort((a, b) -> a.order().compareTo(b.order()));
                        return rows;
                    })
                    .run(trickle);
            int rows = joined.values().stream().mapToInt(List::size).sum();
            System.out.println(joined.size() + " customers with orders, " + rows + " joined rows; the first:");
            joined.values().stream().flatMap(List::stream).limit(10).forEach(r ->
                    System.out.printf("  %-6s %-12s %-8s %9.2f%n", r.customer(), r.name(), r.order(), r.amount()));
        }
    }

    private static void demoData(Path customers, Path orders) throws IOException {
        Random r = new Random(7);
        String[] names = {"Ada", "Barbara", "Edsger", "Grace", "John", "Ken", "Leslie", "Niklaus", "Tony", "Frances"};
        try (PrintWriter c = new PrintWriter(Files.newBufferedWriter(customers));
             PrintWriter o = new PrintWriter(Files.newBufferedWriter(orders))) {
            c.println("id,name");
            for (int i = 0; i < 1000; i++) c.println("c" + i + "," + names[i % names.length] + i);
            o.println("order,customer,amount");
            for (int i = 0; i < 20_000; i++) o.printf(java.util.Locale.ROOT, "o%05d,c%d,%.2f%n", i, r.nextInt(1200), 5 + r.nextDouble() * 200);
        }
    }
}
