/** A place's folder listed from untrusted answers (issue 32): only plain backup names, bounded. */
import { describe, expect, it } from 'vitest';
import { isBackupName, MAX_ENTRIES, parseListObjects, parsePropfind, xmlText } from '../../src/remote/listing.ts';

const MULTISTATUS = `<?xml version="1.0" encoding="utf-8"?>
<D:multistatus xmlns:D="DAV:">
 <D:response><D:href>/backups/</D:href><D:propstat><D:prop><D:resourcetype><D:collection/></D:resourcetype></D:prop></D:propstat></D:response>
 <D:response><D:href>/backups/photos%20%C3%A9t%C3%A9.coffer</D:href><D:propstat><D:prop><D:resourcetype/><D:getcontentlength>1234</D:getcontentlength><D:getlastmodified>Mon, 07 Dec 2026 04:00:00 GMT</D:getlastmodified></D:prop></D:propstat></D:response>
 <D:response><D:href>http://host/backups/.photos.coffer.coffer-upload-ab12</D:href><D:propstat><D:prop><D:getcontentlength>5</D:getcontentlength></D:prop></D:propstat></D:response>
 <D:response><D:href>/backups/notes.txt</D:href><D:propstat><D:prop><D:getcontentlength>5</D:getcontentlength></D:prop></D:propstat></D:response>
 <D:response><D:href>/elsewhere/other.coffer</D:href><D:propstat><D:prop><D:getcontentlength>5</D:getcontentlength></D:prop></D:propstat></D:response>
 <D:response><D:href>/backups/sub/inner.coffer</D:href><D:propstat><D:prop><D:getcontentlength>5</D:getcontentlength></D:prop></D:propstat></D:response>
 <D:response><D:href>/backups/huge.coffer</D:href><D:propstat><D:prop><D:getcontentlength>-1</D:getcontentlength></D:prop></D:propstat></D:response>
 <response xmlns="DAV:"><href>/backups/a%26b.coffer</href><propstat><prop><getcontentlength>7</getcontentlength></prop></propstat></response>
</D:multistatus>`;

describe('a WebDAV folder listing', () => {
  it('keeps the backups directly in the folder, whatever the namespace prefix, with size and date', () => {
    expect(parsePropfind(MULTISTATUS, '/backups/')).toEqual([
      { name: 'photos été.coffer', size: 1234, modified: Date.parse('Mon, 07 Dec 2026 04:00:00 GMT') },
      { name: 'a&b.coffer', size: 7, modified: undefined },
    ]);
  });

  it('leaves out uploads in progress, other files, other folders and nonsense sizes', () => {
    const names = parsePropfind(MULTISTATUS, '/backups/').map((entry) => entry.name);
    expect(names).not.toContain('.photos.coffer.coffer-upload-ab12');
    expect(names).not.toContain('notes.txt');
    expect(names).not.toContain('huge.coffer');
    expect(names).not.toContain('inner.coffer');
  });

  it('keeps at most MAX_ENTRIES, however many the server lists', () => {
    const one = '<D:response><D:href>/b/x.coffer</D:href><D:getcontentlength>1</D:getcontentlength></D:response>';
    expect(parsePropfind(`<D:multistatus>${one.repeat(MAX_ENTRIES + 5)}</D:multistatus>`, '/b/')).toHaveLength(
      MAX_ENTRIES,
    );
  });
});

describe('an S3 listing', () => {
  it('keeps the backups under the prefix and says where the next page starts', () => {
    const xml = `<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>tok&amp;1</NextContinuationToken>
      <Contents><Key>coffer/a.coffer</Key><Size>10</Size><LastModified>2026-12-07T04:00:00.000Z</LastModified></Contents>
      <Contents><Key>coffer/b.txt</Key><Size>10</Size></Contents>
      <Contents><Key>other/c.coffer</Key><Size>10</Size></Contents>
      <Contents><Key>coffer/.d.coffer</Key><Size>10</Size></Contents></ListBucketResult>`;
    expect(parseListObjects(xml, 'coffer/')).toEqual({
      entries: [{ name: 'a.coffer', size: 10, modified: Date.parse('2026-12-07T04:00:00.000Z') }],
      next: 'tok&1',
    });
  });
});

describe('names and text from a server', () => {
  it('a backup name is one plain .coffer file name', () => {
    expect(isBackupName('photos.coffer')).toBe(true);
    for (const bad of ['../x.coffer', 'a/b.coffer', 'a\\b.coffer', '.hidden.coffer', 'x.txt', 'a\u0000.coffer']) {
      expect(isBackupName(bad), bad).toBe(false);
    }
  });

  it('entities decode, and nonsense ones stay as written', () => {
    expect(xmlText('a&amp;b &lt;&#x41;&#66;&gt; &bogus; &#x110000;')).toBe('a&b <AB> &bogus; &#x110000;');
  });
});
