/**
 * What this device's storage refuses, as errors the backup flow tells apart. Kept apart from the
 * storage code so the flows and their unit tests can name them without opening any storage.
 */
export class NotEnoughSpace extends Error {
  constructor(
    readonly needed: number,
    readonly available: number,
  ) {
    super('There is not enough space on this device to keep a copy of this backup.');
    this.name = 'NotEnoughSpace';
  }
}

export class WrongDevicePassphrase extends Error {
  constructor(what = 'the remembered recovery key') {
    super(`That device passphrase does not open ${what}.`);
  }
}

/** A place's credentials are sealed and the device passphrase has not been entered in this tab. */
export class DevicePassphraseNeeded extends Error {
  constructor() {
    super("Type the device passphrase: it opens the saved places' passwords on this device.");
  }
}

/** The passkey did not answer (cancelled, or not on this device): nothing was opened. */
export class PasskeyDidNotAnswer extends Error {
  constructor(reason: string) {
    super(`The passkey that protects the remembered recovery key did not open it: ${reason}`);
  }
}
