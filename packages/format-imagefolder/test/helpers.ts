// The testkit's classification fixture and its media placement, for this package's tests.
export { classificationFixture, placeMedia } from '@synx/format-testkit';
