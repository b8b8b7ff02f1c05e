/** The message bus port: Pub/Sub in every environment (the emulator locally and in tests). */
export interface Bus {
  /** Publishes a JSON message; resolves with the message id once Pub/Sub has it. */
  publish(topic: string, data: unknown, attributes?: Record<string, string>): Promise<string>;
  /** Publishes bytes exactly as given (dead-letter replay). */
  publishRaw(topic: string, data: Buffer, attributes?: Record<string, string>): Promise<string>;
}

/**
 * A message as Pub/Sub delivered it (decoded from a push request): what every Pub/Sub trigger's
 * use case receives, and what a dead letter keeps when one can never succeed.
 */
export interface PushMessage {
  topic: string;
  messageId: string;
  data: Buffer;
  attributes: Record<string, string>;
  subscription?: string;
  /** When Pub/Sub accepted the message (RFC 3339). */
  publishTime?: string;
  /**
   * What `data` holds: the message's bytes (replayable), or the whole push request body when it was
   * not a Pub/Sub message at all (kept for diagnosis; there is no message to replay).
   */
  payload?: 'message' | 'push-body';
}
