/** The peers' errors: each names the peer, what went wrong and the next step. */
import { FirstaidError } from '../../core/errors.js';
import type { UnreachableReason } from './types.js';

const HINTS: Record<UnreachableReason, string> = {
  refused: 'Check that the peer is up and its ssh server is running.',
  timeout: 'Check that the peer is up and reachable from here (network, firewall).',
  'no-route': 'Check the network between this machine and the peer.',
  unresolved: 'Check the peer\'s name in the pool file, or its DNS / /etc/hosts entry.',
  'auth-failed': 'Install this machine\'s public key in the remote user\'s authorized_keys, or fix remoteUser.',
  'host-key-unknown': 'Add the peer\'s host key to known_hosts after checking its fingerprint (ssh-keyscan, then compare).',
  'host-key-changed': 'The peer\'s host key changed: find out why before trusting it, then update known_hosts.',
  'connection-lost': 'The connection dropped; stage again when the peer is back.',
  'ssh-failed': 'Run the rsh command by hand to see why it fails.',
  'tool-missing': 'Install the missing program (openssh-client) on this machine.',
  'no-collect-dir': 'Check collectDir in the pool file: the peer has no such directory.',
};

export class PeerUnreachableError extends FirstaidError {
  constructor(readonly peer: string, readonly reason: UnreachableReason, detail: string) {
    super('peer-unreachable', `Peer ${peer} is unreachable (${reason}): ${detail}`, HINTS[reason]);
    this.name = 'PeerUnreachableError';
  }
}

export class PeerStageError extends FirstaidError {
  constructor(readonly peer: string, message: string, hint = 'Nothing was marked staged on the peer; stage it again.') {
    super('peer-stage-failed', `Staging peer ${peer} failed: ${message}`, hint);
    this.name = 'PeerStageError';
  }
}

export function unreachableHint(reason: UnreachableReason): string {
  return HINTS[reason];
}
