package org.actorgraph.nlp;

import edu.stanford.nlp.pipeline.StanfordCoreNLPServer;
import java.io.IOException;

/**
 * Runs Stanford CoreNLP's HTTP server with its French pipeline (tokens, sentences, multi-word tokens, parts
 * of speech, entities, dependency parse) on 127.0.0.1, every model loaded before it says it is ready.
 *
 * <p>Arguments: port, longest time one annotation may take in milliseconds, most characters one request
 * may send, worker threads, and optionally the annotators to load before it is ready (default: all of them;
 * the others load on the first request that asks for them). It prints {@code CORENLP_READY <url>} once it answers, and exits when its
 * standard input closes, so a parent that dies without cleaning up never leaves a JVM behind.
 */
public final class FrenchNlpServer {
  /** The line the Node.js supervisor waits for. */
  private static final String READY_MARKER = "CORENLP_READY";

  private static final String ANNOTATORS = "tokenize,ssplit,mwt,pos,ner,depparse";

  private FrenchNlpServer() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 4 && args.length != 5) {
      System.err.println(
          "usage: FrenchNlpServer <port> <timeout-ms> <max-characters> <threads> [annotators to preload]");
      System.exit(2);
    }
    System.setProperty(
        "com.sun.net.httpserver.HttpServerProvider", LoopbackHttpServerProvider.class.getName());
    String port = args[0];
    StanfordCoreNLPServer.launchServer(
        new String[] {
          "-port", port,
          "-timeout", args[1],
          "-maxCharLength", args[2],
          "-threads", args[3],
          "-serverProperties", "StanfordCoreNLP-french.properties",
          "-preload", args.length == 5 ? args[4] : ANNOTATORS,
          "-quiet", "true"
        });
    System.out.println(READY_MARKER + " http://127.0.0.1:" + port);
    System.out.flush();
    while (System.in.read() != -1) {
      // Nothing is read from the parent: its closing stdin is the signal to stop.
    }
    System.exit(0);
  }
}
