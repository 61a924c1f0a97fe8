/**
 * Ends a connection the way a failed network or load balancer does: a TCP RST, no DISCONNECT.
 * Node resets only plain TCP handles (`resetAndDestroy` throws ERR_INVALID_HANDLE_TYPE on a TLS
 * socket, whose handle is a TLSWrap), so a TLS socket is destroyed instead: its descriptor is
 * closed at once, without a TLS close_notify, which the broker sees as the peer vanishing.
 */
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

export function closeAbruptly(socket: Pick<Socket, 'resetAndDestroy' | 'destroy'>): void {
  if (socket instanceof TLSSocket) socket.destroy();
  else socket.resetAndDestroy();
}
