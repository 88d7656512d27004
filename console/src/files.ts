/** Browser file helpers: read an uploaded file as base64, offer text as a download. */
export function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = typeof reader.result === 'string' ? reader.result : '';
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

export function download(name: string, text: string, type = 'application/pkcs10'): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** The wire form of binary arguments of the administration API (docs/admin.md "Arguments"). */
export function bytes(base64: string): { $bytes: string } {
  return { $bytes: base64 };
}

/** The wire form of a date argument. */
export function date(iso: string): { $date: string } {
  return { $date: iso };
}
