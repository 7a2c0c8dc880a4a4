package com.example.purchases;

import dev.slipway.sdk.Services;
import dev.slipway.sdk.Slipway;
import dev.slipway.sdk.SlipwayException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The app's way to the Slipway platform services, and a filter that turns their failures into
 * short, friendly pages: people never see a stack trace, the log gets the details.
 */
@WebFilter(filterName = "platform-errors", urlPatterns = "/*")
public class Platform extends HttpFilter {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(Platform.class.getName());

    /** Thrown when the app runs outside Slipway (no services in the environment). */
    static final class NotOnSlipway extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotOnSlipway(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The platform services (shared, thread-safe), configured by the environment Slipway gives the app. */
    static Services services() {
        try {
            return Slipway.services();
        } catch (IllegalStateException e) {
            throw new NotOnSlipway(e);
        }
    }

    static PurchaseRequestStore store() {
        return new PurchaseRequestStore(services().datastore());
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            chain.doFilter(request, response);
        } catch (NotOnSlipway e) {
            fail(request, response, 503, "This app keeps its requests in the Slipway datastore, which it can only "
                    + "reach when it runs on Slipway: open it in the preview, or publish it.", e);
        } catch (SlipwayException e) {
            int status = switch (e.status()) {
                case 400, 403, 404, 409, 413, 429 -> e.status();
                default -> 503;
            };
            String message = switch (status) {
                case 429 -> "Too many requests at once. Please wait a moment and try again.";
                case 403 -> "The platform refused this request.";
                case 503 -> "The platform could not be reached just now. Please try again in a moment.";
                default -> "That did not work: " + e.detail();
            };
            fail(request, response, status, message, e);
        }
    }

    private static void fail(HttpServletRequest request, HttpServletResponse response, int status, String message,
            RuntimeException error) throws IOException {
        LOG.log(Level.WARNING, request.getMethod() + " " + request.getRequestURI() + " failed", error);
        if (response.isCommitted()) {
            throw error;
        }
        response.reset();
        Html.sendProblem(request, response, status, message);
    }
}
