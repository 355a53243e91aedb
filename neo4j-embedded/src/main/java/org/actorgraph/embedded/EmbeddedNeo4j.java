package org.actorgraph.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.event.DatabaseEventContext;
import org.neo4j.graphdb.event.DatabaseEventListenerAdapter;
import org.neo4j.io.ByteUnit;

/**
 * Runs Neo4j Community in this JVM with its Bolt connector on 127.0.0.1.
 *
 * <p>Arguments: home directory, Bolt port, page cache in MiB, most heap one transaction may hold in
 * MiB. The password of the {@code neo4j} user comes from the NEO4J_PASSWORD environment variable so
 * that it never shows in a process list. The process stops the database and exits when its standard
 * input closes, so a parent that dies without cleaning up never leaves a JVM behind.
 */
public final class EmbeddedNeo4j {
  /** The line the Node.js launcher waits for. */
  private static final String READY_MARKER = "NEO4J_EMBEDDED_READY";

  /**
   * Exit status after a database panic (a full disk, a failed write to the store): the launcher's
   * supervisor restarts the JVM, which is what Neo4j asks for ("needs to be restarted").
   */
  private static final int PANIC_EXIT_STATUS = 3;

  /** How long a panicking JVM waits before it exits, so that the failed commit's answer reaches its client. */
  private static final long PANIC_EXIT_DELAY_MILLIS = 500;

  private EmbeddedNeo4j() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: EmbeddedNeo4j <home-dir> <bolt-port> <page-cache-mib> <transaction-memory-mib>");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    int boltPort = Integer.parseInt(args[1]);
    long pageCacheMib = Long.parseLong(args[2]);
    long transactionMemoryMib = Long.parseLong(args[3]);
    String password = System.getenv("NEO4J_PASSWORD");
    if (password == null || password.length() < 8) {
      System.err.println("NEO4J_PASSWORD must be set to at least 8 characters");
      System.exit(2);
    }

    DatabaseManagementService dbms =
        new DatabaseManagementServiceBuilder(home)
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", boltPort))
            .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", boltPort))
            .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
            // The launcher closes Bolt only after its clients have gone; Neo4j's default 2 x 5 s grace
            // period would only slow every stop.
            .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(500))
            .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(500))
            .setConfig(HttpConnector.enabled, false)
            .setConfig(GraphDatabaseSettings.auth_enabled, true)
            .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMib))
            // db.memory.transaction.max: a query that would hold more heap than this fails with
            // Neo.TransientError.General.MemoryPoolOutOfMemoryError ("db.memory.transaction.max threshold
            // reached") instead of taking the heap from the others. All transactions together keep
            // Neo4j's default ceiling, dbms.memory.transaction.total.max = 70 % of the heap.
            .setConfig(
                GraphDatabaseSettings.memory_transaction_max_size, ByteUnit.mebiBytes(transactionMemoryMib))
            .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
            .build();
    Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown, "neo4j-shutdown"));
    dbms.registerDatabaseEventListener(new ExitOnPanic());
    setPassword(dbms, password);

    System.out.println(READY_MARKER + " bolt://127.0.0.1:" + boltPort);
    System.out.flush();

    waitForEndOfInput(System.in);
    System.exit(0); // runs the shutdown hook
  }

  /** Sets the neo4j user's password; a store that already has it keeps it. */
  private static void setPassword(DatabaseManagementService dbms, String password) {
    try {
      dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME)
          .executeTransactionally(
              "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
              Map.of("password", password));
    } catch (RuntimeException e) {
      // Neo4j refuses to set the password the user already has: that is the state we want.
      if (!String.valueOf(e.getMessage()).contains("Old password and new password cannot be the same")) {
        throw e;
      }
    }
  }

  /**
   * A panicked database refuses every transaction, reads included, until the DBMS restarts, and a full
   * disk panics it. The JVM halts (like a kill: Neo4j recovers from its transaction log at the next start)
   * rather than shutting down, which would try to flush the store to the disk that just failed.
   */
  private static final class ExitOnPanic extends DatabaseEventListenerAdapter {
    @Override
    public void databasePanic(DatabaseEventContext event) {
      System.err.println("NEO4J_EMBEDDED_PANIC database " + event.getDatabaseName() + " panicked; see logs/debug.log");
      System.err.flush();
      Thread exit =
          new Thread(
              () -> {
                try {
                  Thread.sleep(PANIC_EXIT_DELAY_MILLIS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                Runtime.getRuntime().halt(PANIC_EXIT_STATUS);
              },
              "exit-on-panic");
      exit.setDaemon(false);
      exit.start();
    }
  }

  private static void waitForEndOfInput(InputStream in) throws IOException {
    byte[] buffer = new byte[256];
    while (in.read(buffer) != -1) {
      // The launcher writes nothing; any input is ignored until the pipe closes.
    }
  }
}
