package dev.agentcli.serve;

import com.sun.net.httpserver.HttpExchange;
import dev.agentcli.app.RequestText;
import dev.agentcli.app.SafeText;
import dev.agentcli.codec.Timestamps;
import dev.agentcli.request.Request;
import dev.agentcli.request.RequestService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The inbox's pages, rendered on the server: plain HTML, one stylesheet, one script (for the
 * WebAuthn calls only). Every value that came from a request goes through {@link SafeText}
 * (control, bidi and zero-width characters written as escapes) and then HTML escaping.
 */
final class InboxPages {
  private static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self';"
          + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private InboxPages() {}

  static String login() {
    return page(
        "Sign in",
        null,
        "<h1>agentcli inbox</h1>"
            + "<form id=\"login\" method=\"post\" action=\"/inbox/login\">"
            + "<label for=\"principal\">Approve as</label>"
            + "<input id=\"principal\" name=\"principal\" autocomplete=\"username webauthn\" required>"
            + "<button type=\"submit\">Sign in with your passkey</button></form>"
            + "<p id=\"status\" role=\"status\"></p>");
  }

  static String list(String principal, String csrf, List<RequestService.State> pending) {
    StringBuilder b = new StringBuilder();
    b.append("<h1>Pending for ").append(esc(principal)).append(" (").append(pending.size());
    b.append(")</h1>");
    if (pending.isEmpty()) {
      b.append("<p>Nothing waits for you.</p>");
    }
    b.append("<ul class=\"requests\">");
    for (RequestService.State s : pending) {
      Request r = s.request();
      b.append("<li><a href=\"/inbox/requests/").append(esc(r.requestId().value())).append("\">");
      b.append("<strong>").append(safe(r.subject().qualifiedId())).append("</strong> ");
      b.append("<code>").append(esc(r.requestId().value().substring(0, 8))).append("</code></a>");
      b.append("<div>asked by ").append(safe(r.requester().principal()));
      b.append(r.reason() == null ? "" : ": " + safe(r.reason())).append("</div>");
      b.append("<div>").append(progress(s)).append(", risk ");
      Object risk = r.command().get("risk_level");
      b.append(risk == null ? "not set" : safe(String.valueOf(risk)));
      b.append(", denied if undecided by ").append(Timestamps.format(r.expiresAt()));
      b.append("</div></li>");
    }
    b.append("</ul>");
    return page("Inbox", csrf, b.toString());
  }

  static String request(String principal, String csrf, RequestService.State s) {
    String id = esc(s.request().requestId().value());
    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      RequestText.print(out, s);
    }
    StringBuilder b = new StringBuilder();
    b.append("<p><a href=\"/inbox\">&larr; inbox</a></p>");
    b.append("<h1>Request <code>").append(id).append("</code></h1>");
    b.append("<pre id=\"what\">").append(esc(text.toString())).append("</pre>");
    b.append("<p>").append(progress(s)).append("</p>");
    if (!s.status().settled()) {
      b.append("<form class=\"decide\" method=\"post\" action=\"/inbox/requests/")
          .append(id)
          .append("/approve\"><h2>Approve as ")
          .append(esc(principal))
          .append(
              "</h2><label>Runs <input name=\"uses\" type=\"number\" min=\"1\" value=\"1\"></label>")
          .append("<label>For minutes <input name=\"minutes\" type=\"number\" min=\"1\"")
          .append(" placeholder=\"the task's limit\"></label>")
          .append(
              "<button type=\"submit\" id=\"approve\">Approve with your passkey</button></form>");
      b.append("<form class=\"decide\" method=\"post\" action=\"/inbox/requests/")
          .append(id)
          .append("/deny\"><h2>Deny</h2><label>Why <textarea name=\"reason\" required>")
          .append("</textarea></label><button type=\"submit\" id=\"deny\">Deny with your passkey")
          .append("</button></form>");
    }
    b.append("<p id=\"status\" role=\"status\"></p>");
    return page("Request " + s.request().requestId().value().substring(0, 8), csrf, b.toString());
  }

  static String enrol(String token, String principal) {
    return page(
        "Enrol a passkey",
        null,
        "<h1>A passkey for "
            + esc(principal)
            + "</h1>"
            + "<p>The passkey you create here will approve and deny requests as "
            + esc(principal)
            + ". This link works once.</p>"
            + "<form id=\"enrol\" method=\"post\" action=\"/inbox/enrol/"
            + esc(token)
            + "\"><button type=\"submit\">Create the passkey</button></form>"
            + "<p id=\"status\" role=\"status\"></p>");
  }

  static String message(String title, String text) {
    return page(title, null, "<h1>" + esc(title) + "</h1><p>" + safe(text) + "</p>");
  }

  private static String progress(RequestService.State s) {
    return "approvals " + s.approvers().size() + " of " + s.quorum() + ", " + s.status().id();
  }

  private static String page(String title, String csrf, String body) {
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + (csrf == null ? "" : "<meta name=\"csrf\" content=\"" + esc(csrf) + "\">")
        + "<title>"
        + esc(title)
        + " - agentcli</title><link rel=\"stylesheet\" href=\"/inbox/static/inbox.css\">"
        + "<script src=\"/inbox/static/inbox.js\" defer></script></head><body><main>"
        + body
        + "</main></body></html>";
  }

  /**
   * A value a request carried, shown as text: escapes for what a screen would act on, then HTML.
   */
  static String safe(String text) {
    return esc(SafeText.escape(String.valueOf(text)));
  }

  static String esc(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static void html(HttpExchange ex, int status, String html) throws IOException {
    send(ex, status, "text/html; charset=utf-8", html);
  }

  static void resource(HttpExchange ex, String name) throws IOException {
    try (InputStream in = InboxPages.class.getResourceAsStream(name)) {
      if (in == null) {
        send(ex, 404, "text/plain; charset=utf-8", "not found\n");
        return;
      }
      send(
          ex,
          200,
          name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8",
          new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** Sends {@code body} with the headers every inbox response carries. */
  static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    var h = ex.getResponseHeaders();
    h.set("Content-Type", type);
    h.set("Content-Security-Policy", CSP);
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    h.set("Referrer-Policy", "no-referrer");
    h.set("Cache-Control", "no-store");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
