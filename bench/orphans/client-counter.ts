import { Pipeline, Redis } from 'ioredis';

/**
 * Counts what clients send, across every ioredis connection of the process (BullMQ's included):
 * commands, and round trips (a pipeline is one write and one wait, a lone command is one).
 */
export const clientCounts = { commands: 0, roundTrips: 0 };

let installed = false;

export function installClientCounter(): void {
  if (installed) return;
  installed = true;
  const proto = Redis.prototype as unknown as {
    sendCommand: (command: unknown, stream?: unknown) => unknown;
  };
  const send = proto.sendCommand;
  proto.sendCommand = function (this: unknown, command: unknown, stream?: unknown) {
    clientCounts.commands += 1;
    // Pipelines pass their own stream; their single write is counted in exec below.
    if (stream === undefined) clientCounts.roundTrips += 1;
    return send.call(this, command, stream);
  };
  const pipelineProto = Pipeline.prototype as unknown as { exec: (...args: unknown[]) => unknown };
  const exec = pipelineProto.exec;
  pipelineProto.exec = function (this: unknown, ...args: unknown[]) {
    clientCounts.roundTrips += 1;
    return exec.apply(this, args);
  };
}
