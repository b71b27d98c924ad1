// upload.js - one file into a bucket: a single signed PUT up to 16 MiB, else a multipart upload of
// 8 MiB parts (aborted when a part fails), reporting bytes sent as it goes.
import { upload, request, objectPath, escapeXml } from './api.js';

const SINGLE_MAX = 16 * 1024 * 1024;
const PART = 8 * 1024 * 1024;

export async function uploadFile(bucket, key, file, onProgress) {
  const path = objectPath(bucket, key);
  const type = file.type || 'application/octet-stream';
  if (file.size <= SINGLE_MAX) {
    await upload('PUT', path, { headers: { 'Content-Type': type }, body: file, onProgress });
    return true;
  }
  const init = await request('POST', path, { query: { uploads: '' }, headers: { 'Content-Type': type } });
  const doc = new DOMParser().parseFromString(await init.text(), 'application/xml');
  const uploadId = doc.querySelector('UploadId').textContent;
  const parts = [];
  try {
    for (let off = 0, n = 1; off < file.size; off += PART, n++) {
      const base = off;
      const head = await upload('PUT', path, { query: { partNumber: String(n), uploadId }, body: file.slice(off, off + PART),
        onProgress: (sent) => onProgress && onProgress(base + sent) });
      parts.push(`<Part><PartNumber>${n}</PartNumber><ETag>${escapeXml(head('ETag') || '')}</ETag></Part>`);
    }
    await request('POST', path, { query: { uploadId }, headers: { 'Content-Type': 'application/xml' },
      body: `<CompleteMultipartUpload>${parts.join('')}</CompleteMultipartUpload>` });
    return true;
  } catch (e) {
    await request('DELETE', path, { query: { uploadId } }).catch(() => {});
    throw e;
  }
}
