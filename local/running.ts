/** Where a running `npm start` records its parts, so tools like `npm run export` can find them. */
export const RUNNING_FILE = 'running.json';
