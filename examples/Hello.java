import dev.river.core.River;
import dev.river.core.VirtualResource;
import dev.river.core.VrId;

import java.util.List;

/**
 * The seed's "Simple River Program": the initiator deploys one VR per engine, and each sends back
 * the name of the host it runs on.
 *
 *   river run examples/Hello.java
 */
public class Hello extends VirtualResource {
    private List<VrId> children;

    @Override protected boolean vrInit() {
        children = deploy(allocate(discover()), Hello.class);
        return true;
    }

    @Override protected void main() {
        if (parent() == null) {
            for (VrId vr : children) {
                System.out.println(recv("src", vr).getString("myname"));
            }
        } else {
            send(parent(), "myname", hostName() + " (" + vm().name() + ")");
        }
    }

    public static void main(String[] args) {
        River.run(Hello.class, args);
    }
}
