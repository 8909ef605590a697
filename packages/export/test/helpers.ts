// Shared with every other suite that compares output trees.
export { tempDir, tree } from '@synx/format-testkit';
