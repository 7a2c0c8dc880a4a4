package dev.slipway.sdk;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * E-mail, and messages to the tenant's users in the platform's inbox. Call it through
 * {@link Services#forRequest} so that messages come "from" the signed-in user. Thread-safe.
 */
public final class Messaging {
  private final ServiceClient client;

  Messaging(ServiceClient client) {
    this.client = client;
  }

  /**
   * Sends an e-mail ({@code messaging/mail}).
   *
   * @param mail the mail
   * @return its id and how it went
   */
  public MailReceipt mail(Mail mail) {
    Map<String, Object> answer = client.call("messaging/mail", mail.toJson());
    return new MailReceipt(JsonFields.string(answer.get("id"), "id"), JsonFields.string(answer.get("via"), "via"));
  }

  /**
   * Sends a message to a user of the tenant ({@code messaging/message}).
   *
   * @param userId the recipient's id
   * @param subject the subject
   * @param body the text
   * @return the message's id
   */
  public String message(String userId, String subject, String body) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("user", userId);
    json.put("subject", subject);
    json.put("body", body);
    return JsonFields.string(client.call("messaging/message", json).get("id"), "id");
  }
}
