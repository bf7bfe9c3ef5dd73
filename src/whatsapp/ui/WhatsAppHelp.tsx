/** Before a file is opened: where the backup is on the phone, and which key opens which kind. */
export function WhatsAppHelp() {
  return (
    <div class="hint whatsapp-help">
      <p>
        On an Android phone the backup is in <code>Android/media/com.whatsapp/WhatsApp/Databases/</code>, named like{' '}
        <code>msgstore.db.crypt15</code>. Copy it to this device first (a USB cable or a file manager app).
      </p>
      <ul>
        <li>
          <strong>.crypt15</strong> (end-to-end encrypted backup): the 64-digit key WhatsApp showed you when you turned
          it on, or the <code>encrypted_backup.key</code> file.
        </li>
        <li>
          <strong>.crypt14</strong> and <strong>.crypt12</strong>: the 158-byte <code>key</code> file from the phone (
          <code>/data/data/com.whatsapp/files/key</code>).
        </li>
      </ul>
    </div>
  );
}
