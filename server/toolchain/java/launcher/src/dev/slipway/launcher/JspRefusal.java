package dev.slipway.launcher;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Answers requests for {@code *.jsp}. Slipway ships no JSP compiler; without this mapping the
 * default servlet would hand out a JSP's source, secrets included.
 */
public final class JspRefusal extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.sendError(HttpServletResponse.SC_NOT_IMPLEMENTED, "JSP pages are not supported here; use a servlet.");
    }
}
