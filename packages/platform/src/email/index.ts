export type { EmailMessage, EmailPort, SentEmail } from "./EmailPort.js";
export { createFileEmailTransport, formatEml, mailDirOf, type FileEmailTransportOptions } from "./fileTransport.js";
export { emailConfigShape, type EmailConfig } from "./emailConfig.js";
export { createSendGridTransport, SendGridError, type SendGridTransportOptions } from "./sendgridTransport.js";
export { createSmtpTransport, type SmtpEmailPort, type SmtpTransportOptions } from "./smtpTransport.js";
export { createEmailTransport, emailTransportKind, withFallback, type CreateEmailTransportOptions, type EmailTransportKind } from "./createEmailTransport.js";
