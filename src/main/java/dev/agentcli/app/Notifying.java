package dev.agentcli.app;

import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.EventType;
import dev.agentcli.config.OperatorConfig;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.notify.Target;
import dev.agentcli.request.RequestService;
import dev.agentcli.store.Database;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A process's notifications on its store: where they go (the operator's targets, else {@code
 * <home>/notify.json}'s), read once; sent as the process's writes commit, and for the last time,
 * waited for, when it ends.
 */
final class Notifying {
  private final Context ctx;
  private final Settings settings;
  private final Stores stores;
  private final Supplier<Optional<RequestService>> requests;
  private Optional<Notifications> notifications;

  Notifying(
      Context ctx, Settings settings, Stores stores, Supplier<Optional<RequestService>> requests) {
    this.ctx = ctx;
    this.settings = settings;
    this.stores = stores;
    this.requests = requests;
  }

  private Optional<Notifications> notifications() {
    if (notifications == null) {
      notifications =
          Notifications.of(
              settings
                  .operator()
                  .map(OperatorConfig::notifications)
                  .orElseGet(() -> Target.read(settings.notifyFile(), EventType.NOTIFIABLE)),
              ctx.clock(),
              settings::inbox);
    }
    return notifications;
  }

  /** Whether some target is told of requests; an unreadable configuration counts as none. */
  boolean reachSomeone() {
    try {
      return notifications().map(n -> n.tells(EventType.APPROVAL_REQUESTED)).orElse(false);
    } catch (AgentCliException unusable) {
      return false;
    }
  }

  void expiring(RequestService.State state) {
    try {
      notifications().ifPresent(n -> n.sendExpiring(state));
    } catch (AgentCliException unusable) {
      // reported when the command ends
    }
  }

  /**
   * Sends what was committed so far; with {@code last}, waits for every delivery and throws when
   * the notification configuration is not usable (reported once, when the command ends).
   */
  void committed(boolean last) {
    Database db = stores.ifOpen().orElse(null);
    if (db == null) {
      return;
    }
    List<AuditEvent> appended = db.takeAppended();
    Optional<Notifications> n;
    try {
      n = notifications();
    } catch (AgentCliException unusable) {
      if (last) {
        throw unusable;
      }
      return;
    }
    n.ifPresent(x -> x.afterCommit(db, appended, last, requests));
  }
}
