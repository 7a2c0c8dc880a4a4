package dev.slipway.launcher;

import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * Names the published version on every response ({@code X-Slipway-Version}): the gateway meters
 * requests by the instance that answered, so its configuration never names versions and a
 * version switch needs no reload.
 */
final class VersionHeaderValve extends ValveBase {
    static final String HEADER = "X-Slipway-Version";
    private final String version;

    VersionHeaderValve(String version) {
        super(true);
        this.version = version;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        response.setHeader(HEADER, version);
        getNext().invoke(request, response);
    }
}
