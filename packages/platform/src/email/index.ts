export type { EmailMessage, EmailPort, SentEmail } from "./EmailPort.js";
export { createFileEmailTransport, formatEml, mailDirOf, type FileEmailTransportOptions } from "./fileTransport.js";
