package com.example.purchases;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;

/** Opens the store when the app starts and shares it with every servlet. */
@WebListener
public class StoreContextListener implements ServletContextListener {
    /** The platform gives every app a private, persistent folder in this variable. */
    static final String DATA_DIR_VARIABLE = "SLIPWAY_APP_DATA_DIR";
    private static final String FALLBACK_DIR_NAME = "java-purchase-requests";
    private static final String STORE_ATTRIBUTE = PurchaseRequestStore.class.getName();

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Path dataDir = dataDir();
        try {
            context.setAttribute(STORE_ATTRIBUTE, PurchaseRequestStore.open(dataDir, Clock.systemUTC()));
        } catch (IOException e) {
            // Without its data the app must not start: serving an empty list would look like data loss.
            throw new UncheckedIOException("Cannot open the purchase request store in " + dataDir, e);
        }
        context.log("Purchase requests are stored in " + dataDir);
    }

    /** The store opened at start-up. */
    static PurchaseRequestStore store(ServletContext context) {
        return (PurchaseRequestStore) context.getAttribute(STORE_ATTRIBUTE);
    }

    private static Path dataDir() {
        String configured = System.getenv(DATA_DIR_VARIABLE);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        // Outside Slipway (e.g. running it on your own machine) fall back to a temporary folder.
        return Path.of(System.getProperty("java.io.tmpdir"), FALLBACK_DIR_NAME);
    }
}
