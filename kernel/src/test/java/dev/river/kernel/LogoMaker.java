package dev.river.kernel;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;

/**
 * Draws the kernel's logo (the committed kernelspec/logo-*.png): a river winding between three engines.
 * Run {@code java kernel/src/test/java/dev/river/kernel/LogoMaker.java kernel/src/main/resources/dev/river/kernel/kernelspec}
 * to redraw them.
 */
public final class LogoMaker {
    private LogoMaker() {}

    public static void main(String[] args) throws IOException {
        File dir = new File(args.length > 0 ? args[0] : ".");
        for (int size : new int[]{32, 64}) ImageIO.write(draw(size), "png", new File(dir, "logo-" + size + "x" + size + ".png"));
    }

    static BufferedImage draw(int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        double s = size / 64.0;
        g.setPaint(new GradientPaint(0, 0, new Color(0x1f, 0x6f, 0xb2), size, size, new Color(0x0e, 0x9f, 0x8f)));
        g.fill(new RoundRectangle2D.Double(0, 0, size, size, 14 * s, 14 * s));
        Path2D river = new Path2D.Double();
        river.moveTo(-2 * s, 46 * s);
        river.curveTo(14 * s, 30 * s, 24 * s, 58 * s, 36 * s, 38 * s);
        river.curveTo(46 * s, 22 * s, 54 * s, 30 * s, 66 * s, 16 * s);
        g.setColor(new Color(255, 255, 255, 235));
        g.setStroke(new BasicStroke((float) (7 * s), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(river);
        g.setColor(new Color(0xff, 0xc8, 0x3d));
        double r = 5.5 * s;
        for (double[] p : new double[][]{{14, 18}, {30, 14}, {50, 46}}) {
            g.fill(new Ellipse2D.Double(p[0] * s - r, p[1] * s - r, 2 * r, 2 * r));
        }
        g.dispose();
        return img;
    }
}
