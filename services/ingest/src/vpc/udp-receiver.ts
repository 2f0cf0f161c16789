import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

export interface UdpReceiver {
  /** Bound address, e.g. `0.0.0.0:4789`. */
  address: string;
  port: number;
  /** Receive buffer the kernel granted (it may cap what was asked). */
  receiveBufferBytes: number;
  close(): Promise<void>;
}

/**
 * Binds the UDP socket a mirror target sends VXLAN to and hands each datagram on, synchronously:
 * nothing here awaits, so the kernel's receive buffer (asked large) absorbs bursts while the event
 * loop is busy.
 */
export async function listenUdp(
  host: string | undefined,
  port: number,
  receiveBufferBytes: number,
  onDatagram: (datagram: Buffer) => void,
  onError: (error: Error) => void,
): Promise<UdpReceiver> {
  const bindHost = host ?? '0.0.0.0';
  const socket: Socket = createSocket({
    type: isIPv6(bindHost) ? 'udp6' : 'udp4',
    reuseAddr: false,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, bindHost, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.on('error', onError);
  socket.on('message', onDatagram);
  let granted = 0;
  try {
    socket.setRecvBufferSize(receiveBufferBytes);
    granted = socket.getRecvBufferSize();
  } catch (error) {
    onError(error as Error);
  }
  const bound = socket.address();
  return {
    address: `${bound.address}:${bound.port}`,
    port: bound.port,
    receiveBufferBytes: granted,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
