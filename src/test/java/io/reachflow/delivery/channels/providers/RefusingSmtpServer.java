package io.reachflow.delivery.channels.providers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An SMTP server that answers every {@code RCPT TO} with one scripted reply, as a real server refuses an unknown
 * mailbox (550) or a full one (452). GreenMail takes every recipient, so it cannot show this.
 */
final class RefusingSmtpServer implements AutoCloseable {

    private final ServerSocket serverSocket;
    private final String recipientReply;

    RefusingSmtpServer(String recipientReply) throws IOException {
        this.serverSocket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        this.recipientReply = recipientReply;
        Thread thread = new Thread(this::serve, "refusing-smtp-server");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    private void serve() {
        while (!serverSocket.isClosed()) {
            try (Socket client = serverSocket.accept();
                 BufferedReader in = new BufferedReader(
                         new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
                 Writer out = new OutputStreamWriter(client.getOutputStream(), StandardCharsets.US_ASCII)) {
                reply(out, "220 localhost ESMTP");
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    String command = line.toUpperCase(Locale.ROOT);
                    if (command.startsWith("QUIT")) {
                        reply(out, "221 Bye");
                        break;
                    }
                    reply(out, command.startsWith("RCPT") ? recipientReply : "250 OK");
                }
            } catch (IOException closedOrGone) {
                // closed by the test, or the client went away: serve the next one, if any
            }
        }
    }

    private static void reply(Writer out, String line) throws IOException {
        out.write(line + "\r\n");
        out.flush();
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
    }
}
