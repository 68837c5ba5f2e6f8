/** A writable stream stand-in that keeps what a command printed (not a terminal). */
export class Capture {
  text = "";
  isTTY = false;
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}
