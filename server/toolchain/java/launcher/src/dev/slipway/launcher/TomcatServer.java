package dev.slipway.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.session.StandardManager;
import org.apache.catalina.startup.ContextConfig;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.util.StandardSessionIdGenerator;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.catalina.webresources.StandardRoot;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.JarScanFilter;
import org.apache.tomcat.JarScanType;
import org.apache.tomcat.util.modeler.Registry;
import org.apache.tomcat.util.scan.StandardJarScanner;

/**
 * Embedded Tomcat serving one exploded web app at {@code /} on a Unix socket, nothing on TCP.
 *
 * <p>How a new build is swapped in: {@link StandardContext#reload()}, i.e. the context stops and
 * starts again with a fresh class loader, re-reading web.xml and the annotations and re-running
 * the app's listeners. Measured 2–3 ms. Rejected alternative: one delegating servlet in front of
 * a fresh class loader (0.3 ms) would mean re-implementing web.xml, annotations, filters,
 * listeners and the servlet context, and would run new listeners before the old ones stop (an app
 * holding a file lock could not start). Reload's costs are acceptable: servlets added in code
 * vanish (ours are re-added by {@link WebappDefaults} at every start), and a request arriving
 * during those milliseconds waits for the context (Tomcat polls paused contexts once a second),
 * which is why the platform refreshes the preview only after the reload has replied.
 */
final class TomcatServer {
    private final Tomcat tomcat;
    private final StandardContext context;
    private final Path webapp;
    private final boolean preview;
    private String loadedBuild;
    private int generation;
    private boolean stopped;

    private TomcatServer(Tomcat tomcat, StandardContext context, Path webapp, boolean preview) {
        this.tomcat = tomcat;
        this.context = context;
        this.webapp = webapp;
        this.preview = preview;
        this.loadedBuild = OutputTree.readMarker(webapp);
    }

    static TomcatServer start(LauncherOptions options, Control control) throws Exception {
        boolean preview = options.mode() == LauncherOptions.Mode.PREVIEW;
        Registry.disableRegistry(); // no JMX: faster start, nothing to manage remotely anyway
        Files.deleteIfExists(options.socket()); // a socket file left by a killed instance
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(options.baseDir().toString());
        Connector connector = new Connector(Http11NioProtocol.class.getName());
        connector.setProperty("unixDomainSocketPath", options.socket().toString());
        connector.setProperty("minSpareThreads", "2");
        connector.setProperty("maxThreads", "64");
        tomcat.setConnector(connector);

        StandardHost host = (StandardHost) tomcat.getHost();
        host.setAutoDeploy(false);
        host.setDeployOnStartup(false);
        ErrorReportValve errorPages = new ErrorReportValve();
        errorPages.setShowServerInfo(false);
        errorPages.setShowReport(preview); // stack traces help a developer, not a visitor
        host.getPipeline().addValve(errorPages);
        tomcat.getEngine().getPipeline().addValve(new StdoutAccessLog(control));
        String version = System.getenv("SLIPWAY_VERSION_ID");
        if (!preview && version != null && !version.isEmpty()) {
            tomcat.getEngine().getPipeline().addValve(new VersionHeaderValve(version));
        }

        tomcat.setAddDefaultWebXmlToWebapp(false);
        ContextConfig config = new ContextConfig();
        config.setDefaultWebXml(tomcat.noDefaultWebXmlPath());
        StandardContext context =
                (StandardContext) tomcat.addWebapp(host, "", options.webapp().toString(), config);
        context.addLifecycleListener(new WebappDefaults());
        context.setReloadable(false); // the platform decides when to reload
        context.setJarScanner(annotationsInClassesOnly());
        StandardRoot resources = new StandardRoot(context);
        // Preview: static files change under a running app and must show at once, and reads from
        // disk are cheap for one developer. Production: a build never changes, so cache.
        resources.setCachingAllowed(!preview);
        context.setResources(resources);
        StandardManager sessions = new StandardManager();
        if (!preview) {
            sessions.setPathname(null); // nothing to carry over: production instances never reload
        }
        StandardSessionIdGenerator ids = new StandardSessionIdGenerator();
        ids.setSecureRandomAlgorithm("NativePRNGNonBlocking"); // never wait for entropy at start-up
        sessions.setSessionIdGenerator(ids);
        context.setManager(sessions);
        tomcat.start();
        return new TomcatServer(tomcat, context, options.webapp(), preview);
    }

    /** Whether the app started (a listener that throws leaves the context unavailable). */
    boolean appAvailable() {
        return context.getState().isAvailable();
    }

    /**
     * Serves the build now in the output. Static files alone need nothing in preview (not
     * cached); new classes, jars or web.xml (a new build marker) restart the context.
     */
    synchronized Json reload() throws LifecycleException {
        long started = System.nanoTime();
        String build = OutputTree.readMarker(webapp);
        boolean restart = !preview || !build.equals(loadedBuild) || !appAvailable();
        if (restart) {
            if (appAvailable()) {
                context.reload();
            } else {
                // reload() refuses a context whose last start failed; stop and start it by hand.
                context.stop();
                context.start();
            }
            loadedBuild = build;
        }
        generation++;
        double millis = Math.round((System.nanoTime() - started) / 10_000.0) / 100.0;
        return new Json().put("ok", appAvailable()).put("restarted", restart).put("generation", generation)
                .put("ms", millis);
    }

    /** Stops the app (its listeners see contextDestroyed) and the server; idempotent. */
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            Logger.getLogger(TomcatServer.class.getName()).warning("stopping: " + e);
        }
    }

    /** Scan annotations in WEB-INF/classes only: no jar on the class path or in WEB-INF/lib. */
    private static StandardJarScanner annotationsInClassesOnly() {
        StandardJarScanner scanner = new StandardJarScanner();
        scanner.setScanClassPath(false);
        scanner.setScanManifest(false);
        scanner.setJarScanFilter(new JarScanFilter() {
            @Override
            public boolean check(JarScanType type, String jarName) {
                return false;
            }

            @Override
            public boolean isSkipAll() {
                return true;
            }
        });
        return scanner;
    }

    /**
     * What Tomcat's global web.xml would add, re-added before every start because a reload drops
     * servlets added in code: the default servlet, the JSP refusal, MIME types, welcome files.
     */
    private static final class WebappDefaults implements LifecycleListener {
        @Override
        public void lifecycleEvent(LifecycleEvent event) {
            if (!Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
                return;
            }
            Context context = (Context) event.getLifecycle();
            Wrapper files = Tomcat.addServlet(context, "default", DefaultServlet.class.getName());
            files.setLoadOnStartup(1);
            files.setOverridable(true);
            Wrapper jsp = Tomcat.addServlet(context, "jsp", JspRefusal.class.getName());
            jsp.setOverridable(true);
            context.addServletMapping("/", "default");
            context.addServletMapping("*.jsp", "jsp");
            context.addServletMapping("*.jspx", "jsp");
            context.setSessionTimeout(30);
            Tomcat.addDefaultMimeTypeMappings(context);
            context.addWelcomeFile("index.html");
            context.addWelcomeFile("index.htm");
        }
    }
}
