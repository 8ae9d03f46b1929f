import { createServer, type Server, type Socket } from "node:net";

/** One message a fake server took: the envelope and the raw RFC 5322 text. */
export interface ReceivedSmtpMessage {
  mailFrom: string;
  rcptTo: string[];
  data: string;
  /** `user` of AUTH PLAIN, when the client authenticated. */
  user?: string;
}

export interface FakeSmtpServer {
  /** smtp://user:pass@127.0.0.1:<port> */
  url: string;
  messages: ReceivedSmtpMessage[];
  close(): Promise<void>;
}

/**
 * A minimal SMTP listener (RFC 5321) for tests: EHLO with AUTH PLAIN and no STARTTLS, MAIL, RCPT,
 * DATA (dot-unstuffed), RSET, NOOP, QUIT. `refuse` makes it answer 550 to RCPT, like a server
 * rejecting a recipient.
 */
export async function startFakeSmtpServer(options: { refuse?: boolean } = {}): Promise<FakeSmtpServer> {
  const messages: ReceivedSmtpMessage[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    serve(socket, messages, options.refuse ?? false);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `smtp://mailer:secret@127.0.0.1:${port}`,
    messages,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function serve(socket: Socket, messages: ReceivedSmtpMessage[], refuse: boolean): void {
  let buffer = "";
  let inData = false;
  let current: Omit<ReceivedSmtpMessage, "data"> = { mailFrom: "", rcptTo: [] };
  let user: string | undefined;
  const reply = (line: string) => socket.write(`${line}\r\n`);
  reply("220 fake.smtp.test ESMTP ready");
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    for (;;) {
      if (inData) {
        const end = buffer.indexOf("\r\n.\r\n");
        if (end < 0) return;
        const data = buffer.slice(0, end + 2).replace(/^\.\./gm, ".");
        buffer = buffer.slice(end + 5);
        inData = false;
        messages.push({ ...current, data, ...(user === undefined ? {} : { user }) });
        current = { mailFrom: "", rcptTo: [] };
        reply("250 2.0.0 queued as fake");
        continue;
      }
      const eol = buffer.indexOf("\r\n");
      if (eol < 0) return;
      const line = buffer.slice(0, eol);
      buffer = buffer.slice(eol + 2);
      const verb = line.split(" ", 1)[0]!.toUpperCase();
      if (verb === "EHLO") socket.write("250-fake.smtp.test\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n");
      else if (verb === "HELO") reply("250 fake.smtp.test");
      else if (verb === "AUTH") {
        const decoded = Buffer.from(line.split(" ")[2] ?? "", "base64").toString("utf8").split("\u0000");
        user = decoded[1];
        reply(decoded[2] === "secret" ? "235 2.7.0 authenticated" : "535 5.7.8 bad credentials");
      } else if (verb === "MAIL") {
        current.mailFrom = /<([^>]*)>/.exec(line)?.[1] ?? "";
        reply("250 2.1.0 ok");
      } else if (verb === "RCPT") {
        if (refuse) reply("550 5.1.1 no such mailbox");
        else {
          current.rcptTo.push(/<([^>]*)>/.exec(line)?.[1] ?? "");
          reply("250 2.1.5 ok");
        }
      } else if (verb === "DATA") {
        inData = true;
        reply("354 end data with <CR><LF>.<CR><LF>");
      } else if (verb === "RSET") {
        current = { mailFrom: "", rcptTo: [] };
        reply("250 2.0.0 ok");
      } else if (verb === "NOOP") reply("250 2.0.0 ok");
      else if (verb === "QUIT") {
        reply("221 2.0.0 bye");
        socket.end();
        return;
      } else reply("502 5.5.2 command not implemented");
    }
  });
}
