import { Testing } from "cdktf";
// Types of the matchers below (a global augmentation of jest.Matchers).
import "cdktf/lib/testing/adapters/jest";

// Registers toHaveResource, toHaveResourceWithProperties, ... on expect().
Testing.setupJest();
