// Runs the `ldoms` command from source (the tests spawn it with tsx, as a user runs bin/ldoms.js).
import { main } from "../../src/cli/main";

void main(process.argv.slice(2));
