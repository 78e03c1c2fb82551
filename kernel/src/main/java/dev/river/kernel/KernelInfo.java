package dev.river.kernel;

import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.messages.reply.KernelInfoReply;

import java.util.List;

/**
 * kernel_info_reply with {@code "status": "ok"}, which the protocol requires of every reply and
 * basekernel leaves out: JupyterLab 4 reads a reply without it as a failed kernel_info and never
 * shows the kernel as idle (classic Notebook and nbclient do not check).
 *
 * <pre>{@code
 * env.reply(new KernelInfo(getLanguageInfo(), getBanner(), getHelpLinks()));
 * }</pre>
 */
final class KernelInfo extends KernelInfoReply {
    static final String PROTOCOL_VERSION = "5.3";

    @SuppressWarnings("unused")   // serialized by basekernel's Gson
    private final String status = "ok";

    KernelInfo(LanguageInfo language, String banner, List<LanguageInfo.Help> help) {
        super(PROTOCOL_VERSION, "river", version(), language, banner, help);
    }

    private static String version() {
        String v = KernelInfo.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0";
    }
}
