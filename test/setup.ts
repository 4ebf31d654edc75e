import { Testing } from "cdktf";

// Registers toHaveResource, toHaveResourceWithProperties, ... on expect().
Testing.setupJest();
