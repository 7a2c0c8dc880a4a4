package dev.slipway.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slipway.sdk.FakePlatform.Response;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;

/** The SDK inside a real servlet on embedded Tomcat 10.1, as apps run it. */
class TomcatIntegrationTest {
  /** Held so that the quieter level stays: java.util.logging keeps loggers weakly. */
  private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");

  @Test
  void aServletVerifiesTheUserAndActsForThem() throws Exception {
    TOMCAT_LOG.setLevel(Level.SEVERE); // start/stop chatter and a harmless leak-check warning
    IdentitySigner signer = new IdentitySigner();
    Path base = Files.createTempDirectory("slipway-tomcat-");
    try (FakePlatform platform = new FakePlatform();
        Services services = Slipway.builder().socket(platform.socket()).token(FakePlatform.TOKEN).appId("app_t")
            .identityPublicKey(signer.publicKeyBase64).build()) {
      platform.answer(Response.json(Map.of("id", "msg-1")));
      Tomcat tomcat = new Tomcat();
      tomcat.setBaseDir(base.toString());
      Connector connector = new Connector();
      connector.setPort(0);
      connector.setProperty("address", "127.0.0.1");
      tomcat.setConnector(connector);
      Context context = tomcat.addContext("", base.toString());
      Wrapper inbox = Tomcat.addServlet(context, "inbox", new HttpServlet() {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
          Optional<User> user = services.users().current(request);
          if (user.isEmpty()) {
            response.sendError(401);
            return;
          }
          String id = services.forRequest(request).messaging().message("u-boss", "Report", "from " + user.get().name());
          response.setContentType("text/plain;charset=UTF-8");
          response.getWriter().write(user.get().name() + " " + id);
        }
      });
      inbox.addMapping("/inbox");
      tomcat.start();
      try {
        int port = connector.getLocalPort();
        Map<String, String> headers = signer.headers("app_t", "u-1", "Zoë", "zoe@example.com", List.of("staff"),
            System.currentTimeMillis() / 1000);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/inbox"))
            .POST(HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        HttpResponse<String> answer = HttpClient.newHttpClient().send(request.build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("Zoë msg-1", answer.body());
        FakePlatform.Request forwarded = platform.next();
        headers.forEach((name, value) -> assertEquals(value, forwarded.header(name), name));
        assertEquals(Json.parse("{\"user\":\"u-boss\",\"subject\":\"Report\",\"body\":\"from Zoë\"}"), forwarded.json());

        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/inbox"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
      } finally {
        tomcat.stop();
        tomcat.destroy();
      }
    } finally {
      try (var walk = Files.walk(base)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }
}
