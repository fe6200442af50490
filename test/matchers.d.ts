// Loads aws-sdk-client-mock-jest's matcher types (the matchers are registered in jest.config.js).
import 'aws-sdk-client-mock-jest';
