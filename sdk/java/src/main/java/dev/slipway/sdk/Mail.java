package dev.slipway.sdk;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An e-mail for {@link Messaging#mail(Mail)}. Immutable: every method returns a new mail.
 *
 * <pre>{@code
 * Mail.to("ana@example.com").subject("Your order").text("It shipped.").html("<p>It shipped.</p>");
 * }</pre>
 */
public final class Mail {
  private final List<String> to;
  private final String subject;
  private final String text;
  private final String html;

  private Mail(List<String> to, String subject, String text, String html) {
    this.to = to;
    this.subject = subject;
    this.text = text;
    this.html = html;
  }

  /**
   * A mail to these addresses.
   *
   * @param addresses one or more addresses
   * @return the mail, without subject or text yet
   */
  public static Mail to(String... addresses) {
    return to(List.of(addresses));
  }

  /**
   * A mail to these addresses.
   *
   * @param addresses one or more addresses
   * @return the mail, without subject or text yet
   */
  public static Mail to(List<String> addresses) {
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("a mail needs at least one address");
    }
    return new Mail(List.copyOf(addresses), "", "", null);
  }

  /**
   * The subject.
   *
   * @param subject the subject line
   * @return a new mail
   */
  public Mail subject(String subject) {
    return new Mail(to, Objects.requireNonNull(subject, "subject"), text, html);
  }

  /**
   * The plain-text body.
   *
   * @param text the text
   * @return a new mail
   */
  public Mail text(String text) {
    return new Mail(to, subject, Objects.requireNonNull(text, "text"), html);
  }

  /**
   * An HTML body, sent alongside the text.
   *
   * @param html the HTML
   * @return a new mail
   */
  public Mail html(String html) {
    return new Mail(to, subject, text, html);
  }

  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("to", to);
    json.put("subject", subject);
    json.put("text", text);
    if (html != null) {
      json.put("html", html);
    }
    return json;
  }
}
