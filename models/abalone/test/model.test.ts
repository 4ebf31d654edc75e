import { getEnvironment } from "../../../environments";
import { modelValues } from "../../../modules/model/settings";
import abalone from "../model";

describe("abalone's values in the shipped environments", () => {
  it.each([
    ["dev", { hyperparameters: { epochs: 20, batchSize: 16 }, threshold: 3.0 }],
    ["staging", { hyperparameters: { epochs: 100, batchSize: 8 }, threshold: 2.5 }],
    ["prod", { hyperparameters: { epochs: 200, batchSize: 8 }, threshold: 2.1 }],
  ])("%s keeps its epochs, batch size and RMSE threshold (prod: the reference workflow's 200, 8, 2.1)", (environment, values) => {
    expect(modelValues(getEnvironment(environment), abalone)).toEqual(values);
  });
});
