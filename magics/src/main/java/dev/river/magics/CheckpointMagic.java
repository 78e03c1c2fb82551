package dev.river.magics;

import dev.river.checkpoint.Checkpoint;
import dev.river.checkpoint.Checkpoints;
import dev.river.checkpoint.Restored;
import dev.river.core.VmInfo;
import dev.river.core.VrId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code %river checkpoint}: checkpoint state inline, for the application the notebook deployed (the
 * session driver's) or another one ({@code --app}).
 *
 * <pre>{@code
 * %river checkpoint                  // show: the VRs, where they run, their state and queues, what is saved
 * %river checkpoint save             // a coordinated checkpoint now
 * %river checkpoint save --at 100    // loop VRs frozen at their 100th checkpoint() call
 * %river checkpoint list             // the checkpoints: epoch, time, VRs, size
 * %river checkpoint timeline         // a picture: saves, restores and migrations per VR, where each VR runs now
 * %river checkpoint restore          // the newest one, onto the engines discovered (--epoch E, --engines N)
 * }</pre>
 *
 * Java: {@code Checkpoints.of(driver).show() / save() / list() / history() / restore(engines)};
 * {@code CheckpointPicture.of(history)} draws a history.
 */
@Command(name = "checkpoint", description = "Checkpoint state inline: show (the application's VRs, queues and saved sizes),"
        + " save (a checkpoint now), list (the checkpoints), timeline (a picture of the saves, restores and migrations per VR,"
        + " and where each VR runs now), restore (the newest, or --epoch, onto the engines).")
public final class CheckpointMagic implements RiverMagic {
    @Parameters(paramLabel = "ACTION", defaultValue = "show", description = "show, save, list, timeline or restore. Default: ${DEFAULT-VALUE}")
    String action;

    @Option(names = "--app", paramLabel = "UUID", description = "The application (default: the one this notebook deployed).")
    String app;

    @Option(names = "--dir", paramLabel = "PATH", description = "Checkpoint directory (default: ~/.river/checkpoints or $RIVER_CHECKPOINT_DIR).")
    Path dir;

    @Option(names = "--at", paramLabel = "CALL", description = "save: freeze loop VRs at this checkpoint() call.")
    Long at;

    @Option(names = "--epoch", paramLabel = "E", description = "restore: this epoch (default: the newest).")
    Long epoch;

    @Option(names = "--engines", paramLabel = "N", description = "restore: onto the first N engines discovered (default: all).")
    Integer engines;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long VRs may take to reach a safe point. Default: ${DEFAULT-VALUE}")
    int timeout;

    @Override
    public Object run(MagicContext ctx) {
        if (timeout < 1) throw new MagicException("--timeout must be at least 1 second");
        Checkpoints cps = checkpoints(ctx.session());
        switch (action) {
            case "show" -> {
                return CheckpointTables.vrs(cps.show());
            }
            case "list" -> {
                return CheckpointTables.epochs(cps.list());
            }
            case "timeline" -> {
                return CheckpointPicture.of(cps.history());
            }
            case "save" -> {
                if (at != null && at < 1) throw new MagicException("--at needs a call number of 1 or more");
                Checkpoint c = cps.saveAt(at == null ? 0 : at);
                String head = "saved epoch " + c.epoch() + ": " + c.vrCount() + " VRs, " + CheckpointTables.bytes(c.bytes())
                        + ", application frozen " + c.frozen().toMillis() + " ms";
                Rich vrs = CheckpointTables.vrs(cps.show());
                return Rich.of(head + "\n" + vrs.text(), "<p>" + Table.escape(head) + "</p>" + vrs.html());
            }
            case "restore" -> {
                return restore(ctx.session(), cps);
            }
            default -> throw new MagicException("unknown action '" + action + "': use show, save, list, timeline or restore");
        }
    }

    private Object restore(Session session, Checkpoints cps) {
        if (engines != null && engines < 1) throw new MagicException("--engines needs at least 1");
        List<VmInfo> vms = session.engines();
        if (vms.isEmpty()) throw new MagicException("no engines to restore onto: start some with %river start N");
        if (engines != null) {
            if (engines > vms.size()) throw new MagicException("--engines " + engines + ", but only " + vms.size() + " are discovered");
            vms = vms.subList(0, engines);
        }
        Restored r = epoch == null ? cps.restore(vms) : cps.restore(epoch, vms);
        Table t = new Table("VR", "now on");
        for (Map.Entry<UUID, VrId> e : r.vrs().entrySet()) t.row(e.getKey().toString().substring(0, 8), e.getValue().vm());
        String head = "restored epoch " + r.checkpoint().epoch() + " (" + r.vrs().size() + " VRs) onto " + vms.size()
                + " engine" + (vms.size() == 1 ? "" : "s") + "; the VRs keep their ids";
        return Rich.of(head + "\n" + t.text(), "<p>" + Table.escape(head) + "</p>" + t.html());
    }

    private Checkpoints checkpoints(Session session) {
        Checkpoints cps;
        if (app == null) {
            cps = Checkpoints.of(session.driver());
        } else {
            try {
                cps = Checkpoints.of(session.driver(), UUID.fromString(app));
            } catch (IllegalArgumentException e) {
                throw new MagicException("--app needs an application's UUID, not '" + app + "'");
            }
        }
        if (dir != null) cps = cps.directory(dir);
        return cps.timeout(Duration.ofSeconds(timeout));
    }
}
