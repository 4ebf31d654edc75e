// The types of cdktf's jest matchers (test/setup.ts registers them): a global augmentation of jest.Matchers.
import "cdktf/lib/testing/adapters/jest";
