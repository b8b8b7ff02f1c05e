/** The message bus port: Pub/Sub in every environment (the emulator locally and in tests). */
export interface Bus {
  /** Publishes a JSON message; resolves with the message id once Pub/Sub has it. */
  publish(topic: string, data: unknown, attributes?: Record<string, string>): Promise<string>;
  /** Publishes bytes exactly as given (dead-letter replay). */
  publishRaw(topic: string, data: Buffer, attributes?: Record<string, string>): Promise<string>;
}
